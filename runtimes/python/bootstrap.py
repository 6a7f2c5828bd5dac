"""sweetspot's Python runtime interface client: the process Lambda's python3.x
runtimes start. Run as `python3 bootstrap.py` with _HANDLER, LAMBDA_TASK_ROOT and
AWS_LAMBDA_RUNTIME_API in the environment; it talks the Runtime API 2018-06-01."""

import os
import sys

# Import the whole client while this directory is still on sys.path; the loop then
# gives sys.path to the function (its code directory first), so a function module
# called e.g. `bootstrap` or `context` never resolves to one of ours.
from sweetspot_ric import loop

if __name__ == "__main__":
    sys.exit(loop.main(os.path.dirname(os.path.abspath(__file__))))
