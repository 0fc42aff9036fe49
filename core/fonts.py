"""The Chinese face every PDF of the portal embeds: Noto Sans SC (SIL Open Font License), from the
`justmytype-intl-cjk` wheel.

The wheel carries one variable TrueType font whose default instance is the thinnest weight. Printed
decisions need Regular and Bold, so fontTools makes those two static instances once per machine
(about half a minute each) and keeps them in `settings.FONT_CACHE_DIR`. `make` prepares them at
install time (`manage.py prepare_fonts`); a process that finds them missing makes them itself, under
a file lock, so two workers never write the same file. reportlab then embeds a subset of the glyphs
each document uses, so a reader needs no Chinese font of its own.
"""

import fcntl
import logging
import os
from functools import cache
from pathlib import Path

from django.conf import settings

WEIGHTS = {"Regular": 400, "Bold": 700}
FAMILY = "NotoSansSC"


def source() -> Path:
    import justmytype_intl_cjk

    return Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc" / "NotoSansSC[wght].ttf"


def path(weight: str = "Regular") -> Path:
    return Path(settings.FONT_CACHE_DIR) / f"{FAMILY}-{weight}.ttf"


def prepare(weight: str = "Regular") -> Path:
    """The static instance of `weight`, made now if it is not there yet."""
    target = path(weight)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():  # another process may have made it while we waited
            from fontTools.ttLib import TTFont
            from fontTools.varLib import instancer

            logging.getLogger("fontTools").setLevel(logging.WARNING)  # it narrates each table at INFO
            font = instancer.instantiateVariableFont(TTFont(source()), {"wght": WEIGHTS[weight]})
            # name the instance for what it is (the variable font's names are those of its default, Thin)
            names = font["name"]
            for name_id, value in (
                (1, "Noto Sans SC"),
                (2, weight),
                (4, f"Noto Sans SC {weight}"),
                (6, f"{FAMILY}-{weight}"),
            ):
                names.setName(value, name_id, 3, 1, 0x409)
                names.setName(value, name_id, 1, 0, 0)
            partial = target.with_suffix(f".{os.getpid()}.part")
            font.save(partial)
            partial.replace(target)
    return target


@cache
def registered() -> dict[str, str]:
    """Register the faces with reportlab once per process; returns their names by weight."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {}
    for weight in WEIGHTS:
        name = f"{FAMILY}-{weight}"
        pdfmetrics.registerFont(TTFont(name, str(prepare(weight))))
        names[weight] = name
    pdfmetrics.registerFontFamily(FAMILY, normal=names["Regular"], bold=names["Bold"])
    return names
