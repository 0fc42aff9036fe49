"""Any saved change to a public fact makes the cached public pages stale, and with them the register's reference
lists (cities, fields, kinds of institution, recognition years), its counts and its rendered filters."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import InstitutionKind, Region, TrainingField
from bases.models import Announcement, Base, ChangeFiling, FeeDisclosure
from core.workflow import transitioned
from supervision.models import Inspection, RectificationOrder

from . import cache


@receiver([post_save, post_delete], sender=Base)  # a base of a new year adds the year to the register's filter
@receiver([post_save, post_delete], sender=Region)
@receiver([post_save, post_delete], sender=TrainingField)
@receiver([post_save, post_delete], sender=InstitutionKind)
@receiver([post_save, post_delete], sender=FeeDisclosure)
@receiver([post_save, post_delete], sender=Announcement)
@receiver([post_save, post_delete], sender=ChangeFiling)
@receiver(post_save, sender=Inspection)
@receiver(m2m_changed, sender=Announcement.bases.through)
@receiver(transitioned, sender=Base)  # the engine's conditional UPDATE sends no post_save
@receiver(transitioned, sender=Inspection)
@receiver(transitioned, sender=RectificationOrder)  # the decisions a base under rectification rests on
def public_facts_changed(sender, **kwargs):
    cache.invalidate()
