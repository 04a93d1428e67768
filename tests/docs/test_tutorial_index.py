"""Theano 1.0 tutorial index (doc/tutorial/index.txt): the interactive session's imports."""
import subprocess
import sys


def test_star_import_then_tensor_namespace():
    code = ("from theano import *\n"
            "import theano.tensor as T\n"
            "x = T.dscalar('x')\n"
            "f = function([x], x * 2)\n"
            "s = shared(1.0)\n"
            "assert f(2) == 4 and s.get_value() == 1.0 and config.floatX\n"
            "import builtins\n"
            "assert map is builtins.map  # (a star import does not shadow map/reduce)\n")
    subprocess.run([sys.executable, "-c", code], check=True)
