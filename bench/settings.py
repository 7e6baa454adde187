"""Settings for the benchmark's server only: production settings plus the two baseline views.

Selected by DJANGO_SETTINGS_MODULE=bench.settings at bench time, so production never has the
baseline URLs and the authorization matrix never sees them."""

from cairn.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
