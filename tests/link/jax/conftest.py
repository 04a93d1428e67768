"""The ``mode`` fixture: a test taking it runs once per mode (FAST_RUN, FAST_COMPILE, JAX)."""
import pytest

MODES = ("FAST_RUN", "FAST_COMPILE", "JAX")


@pytest.fixture(params=MODES)
def mode(request):
    return request.param
