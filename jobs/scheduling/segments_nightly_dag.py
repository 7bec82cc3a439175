"""Apache Airflow DAG for the segments nightly run.

The logical date of the DAG run ({{ ds }}) is passed as --as-of, so a backfill or a cleared task
scores exactly the day it stands for; a rerun of a published day with the same input is a recorded
no-op, and the DAG param `force` adds --force to recompute it deliberately.

Exit codes of jobs/segments, and what the task does with them:
  0   success, or skipped because the day is already published with the same input and config
  75  another run holds the warehouse lock                    -> retried
  1   unexpected error (a stack trace is in the log)           -> retried, then fails
  66  no input (the day's file has not arrived)                -> retried (use a sensor for long waits)
  65  data error: quarantine share, data-quality guard, a mapped column missing -> fails at once
  2   configuration or usage error                             -> fails at once
"""
import subprocess
from datetime import datetime, timedelta

from airflow import DAG
from airflow.decorators import task
from airflow.exceptions import AirflowFailException

SEGMENTS_HOME = "/opt/segments"
CONFIG = "/etc/segments/job.yaml"
WAREHOUSE = "/data/segments/warehouse"
NO_RETRY = {2: "configuration or usage error", 65: "data error"}

with DAG(
    dag_id="segments_nightly",
    start_date=datetime(2024, 1, 1),
    schedule="30 2 * * *",
    catchup=True,  # backfills run date by date, oldest first
    max_active_runs=1,  # one writer per warehouse; a second one would exit 75
    params={"force": False},
    default_args={"retries": 3, "retry_delay": timedelta(minutes=10), "retry_exponential_backoff": True},
) as dag:

    @task
    def run(ds=None, params=None):
        command = ["jobs/segments", "run", "--config", CONFIG, "--as-of", ds]
        if params.get("force"):
            command.append("--force")
        code = subprocess.run(command, cwd=SEGMENTS_HOME).returncode
        if code in NO_RETRY:
            raise AirflowFailException(f"segments exited {code} ({NO_RETRY[code]}): fix it, then clear the task")
        if code != 0:
            raise RuntimeError(f"segments exited {code}")

    @task
    def maintain_on_sundays(logical_date=None):
        if logical_date.weekday() == 6:
            code = subprocess.run(["jobs/segments", "maintain", "--warehouse", WAREHOUSE], cwd=SEGMENTS_HOME).returncode
            if code != 0:
                raise RuntimeError(f"segments maintain exited {code}")

    run() >> maintain_on_sundays()
