"""Helpers shared by the test-suite (``from theano.tests import unittest_tools as utt``)."""
