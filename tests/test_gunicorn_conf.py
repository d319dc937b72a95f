"""gunicorn.conf.py: the production server's settings and hooks."""

import gc
import runpy
import sys

from django.conf import settings

from config.settings.base import BASE_DIR


def test_when_ready_loads_every_view_and_freezes_the_app_before_forking():
    # given the settings file as gunicorn reads it, and a URLconf not yet imported
    conf = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    urls = sys.modules.pop(settings.ROOT_URLCONF, None)
    try:
        # when the master is ready to fork its workers
        conf["when_ready"](None)
        # then the views are loaded and what is loaded is frozen
        assert settings.ROOT_URLCONF in sys.modules
        assert "assessments.notes.rendering" in sys.modules
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        if urls is not None:
            sys.modules[settings.ROOT_URLCONF] = urls


def test_workers_are_preloaded_gthread_workers():
    # given
    conf = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    # then the hook above runs in the master, with the app already loaded
    assert conf["preload_app"] is True
    assert conf["worker_class"] == "gthread"
