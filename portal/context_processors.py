"""Values every page's shell needs: the navigation for the user's role and the unread count."""

from django.utils.functional import SimpleLazyObject

from accounts.models import Role
from core.seek import bounded_counts

NAV = {
    Role.INSTITUTION: [
        ("我的申报", "applications:mine"),
        ("我的基地", "bases:mine"),
        ("年度报告", "bases:filings"),
        ("整改", "supervision:rectifications"),
        ("告知与申辩", "applications:hearings"),
        ("更多", [("省级培训任务", "steering:mine"), ("变更备案", "bases:change_list"), ("接口令牌", "api:tokens")]),
    ],
    Role.RECOMMENDER: [
        ("待推荐申报", "applications:recommender_queue"),
        ("推荐的基地", "bases:recommended"),
        ("培训班", "training:all_classes"),
        ("基地整改", "supervision:rectifications"),
        ("统计", "reports:dashboard"),
    ],
    Role.PROVINCE: [
        ("统计", "reports:dashboard"),
        ("申报审核", "applications:province_queue"),
        ("基地名册", "bases:province_list"),
        ("年度报告", "bases:filing_queue"),
        ("考核抽查", "supervision:list"),
        ("整改", "supervision:rectifications"),
        (
            "更多",
            [
                ("申报批次", "applications:batches"),
                ("年度汇总", "reports:year_summary"),
                ("培训任务分配", "steering:rounds"),
                ("履职监测", "supervision:obligations"),
                ("培训班", "training:all_classes"),
                ("学习档案", "training:learning_record"),
                ("接口令牌", "api:tokens"),
                ("三年考核计划", "supervision:plans"),
                ("取消资格申请", "supervision:cancellations"),
                ("告知与陈述申辩", "applications:hearings"),
                ("弄虚作假线索", "supervision:fraud_reports"),
                ("评审专家库", "experts:list"),
                ("评审专家组", "experts:panels"),
                ("复议与诉讼", "applications:appeals"),
                ("变更备案", "bases:change_list"),
                ("不予受理名单", "applications:bars"),
                ("节假日安排", "applications:calendar"),
                ("账户管理", "users:staff_accounts"),
                ("行业主管部门", "users:departments"),
                ("领域与机构类型", "users:categories"),
            ],
        ),
    ],
    Role.INSPECTOR: [("考核任务", "supervision:list")],
    Role.EXPERT: [("评审任务", "experts:assignments")],
    Role.ADMIN: [],
}


# The navbar's badge counts unread messages up to this and then shows "99+": a count that reads at most a hundred
# index entries, however many messages a user leaves unread.
UNREAD_SHOWN = 99


def _unread(request):
    user = request.user
    if not user.is_authenticated:
        return 0
    return bounded_counts({"unread": user.notifications.filter(read_at=None)}, limit=UNREAD_SHOWN)["unread"]


def _item(label, target) -> dict:
    if isinstance(target, list):
        return {"label": label, "children": [{"label": sub, "url_name": url} for sub, url in target]}
    return {"label": label, "url_name": target}


def portal(request):
    user = request.user
    role = getattr(user, "role", None) if user.is_authenticated else None
    return {
        "nav_items": [_item(label, target) for label, target in NAV.get(role, [])],
        "unread_count": SimpleLazyObject(lambda: _unread(request)),
        "site_name": "福建省省级专业技术人员继续教育基地管理平台",
    }
