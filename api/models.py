"""API tokens (the versioned JSON API, step 1): a base's token, kept by its institution, or the province's
read token. Only the SHA-256 of the secret is stored; the secret itself is shown once, when it is created."""

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    BASE = "base", "基地"
    PROVINCE_READ = "province_read", "省级只读"


class ApiToken(models.Model):
    base = models.ForeignKey(
        "bases.Base", on_delete=models.PROTECT, null=True, blank=True, related_name="api_tokens", verbose_name="基地"
    )
    scope = models.CharField("范围", max_length=20, choices=Scope.choices, default=Scope.BASE)
    name = models.CharField("名称", max_length=50)
    prefix = models.CharField("前缀", max_length=8, unique=True)
    key_hash = models.CharField("密钥摘要", max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="吊销人",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "接口令牌"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(scope="base", base__isnull=False) | models.Q(scope="province_read", base=None)),
                name="api_token_scope_matches_base",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
