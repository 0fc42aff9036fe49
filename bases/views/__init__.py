"""The signed-in pages about bases, one module per part: the base itself, its changes, its annual filings,
its recognition."""

PAGE_SIZE = 20
