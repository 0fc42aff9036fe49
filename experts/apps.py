from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    """The expert pool of Art. 26 and the panels drawn from it for site visits (Art. 8(4)) and inspections
    (Art. 20, 21). It sits between accounts and the cases: a panel names its case generically, so the
    applications and supervision apps draw panels here without this app knowing them."""

    name = "experts"
    verbose_name = "评审专家"
