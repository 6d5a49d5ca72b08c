"""One writer per source system. Each module's `run(ctx, households)` writes that system's rows for one chunk.

Order matters: later systems skew towards people earlier ones involved (probation towards LCS parents, ASB
perpetrators towards families with other involvement), so `generate.py` runs them in `ORDER`.
"""
