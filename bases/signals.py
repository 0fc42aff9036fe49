"""Any saved change to public facts makes the cached public pages stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import cache
from .models import Announcement, Base, ChangeFiling, FeeDisclosure


@receiver([post_save, post_delete], sender=Base)
@receiver([post_save, post_delete], sender=FeeDisclosure)
@receiver([post_save, post_delete], sender=Announcement)
@receiver([post_save, post_delete], sender=ChangeFiling)
@receiver(m2m_changed, sender=Announcement.bases.through)
def public_facts_changed(sender, **kwargs):
    cache.invalidate()


def connect_inspections():
    from inspections.models import Inspection

    post_save.connect(public_facts_changed, sender=Inspection, dispatch_uid="inspection-public-cache")
