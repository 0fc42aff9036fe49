"""The training pages (issue 17, point 1): a base's classes and their participants, the province's and the
recommending unit's list of classes, and the logged reveal of an ID number (PIPL)."""

PAGE_SIZE = 20
