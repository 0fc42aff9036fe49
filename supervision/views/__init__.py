"""Supervision pages: thin views that authorise, parse, call one service and render; one module per part of
the measures (inspections, draws, rectification, revocation)."""

PAGE_SIZE = 20
