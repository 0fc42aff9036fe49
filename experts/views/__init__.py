"""Expert pages: thin views that authorise, parse, call one service and render — the province's pool and
panels (pool.py, panels.py), the pool's workload (workload.py) and an expert's own seats (seats.py)."""

PAGE_SIZE = 20
