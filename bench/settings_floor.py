"""Settings of the benchmark server (bench/pages.py): the production settings of
config.settings, driven by the same environment (DEBUG=0, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, DATABASE_CONN_MAX_AGE, SERVER_TIMING=1), with one change: the URLconf adds the
floor views under /_floor/ (bench/urls.py). Never used outside the benchmarks."""

from config.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
