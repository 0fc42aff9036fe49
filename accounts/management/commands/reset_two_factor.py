"""manage.py reset_two_factor USERNAME: an administrator removes a user's authenticator and backup codes (a lost
phone); the user sets up a new one at the next sign-in. Written on the user's timeline and in the security log."""

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "重置用户的两步验证（删除其身份验证器和备用验证码，下次登录时重新设置）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="重置原因（记入办理记录）")
        parser.add_argument("--by", default="", help="执行重置的管理员用户名（记入办理记录）")

    def handle(self, *args, username, reason, by, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的账户。")
        actor = None
        if by:
            actor = User.objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"没有用户名为“{by}”的账户。")
        removed = services.reset_two_factor(actor=actor, user=user, reason=reason or "通过 manage.py reset_two_factor")
        self.stdout.write(f"已重置“{username}”的两步验证（删除{removed}项）。该用户下次登录时须重新设置。")
