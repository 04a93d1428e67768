"""Pickling Theano objects: ``dump``/``load`` to a zip of ``.npy`` arrays, ``StripPickler``.

``dump`` pickles an object (a model, a list of shared variables...) into a zip
file whose arrays are stored outside the pickle as ``.npy`` members, named
after the shared variables that hold them, so ``numpy.load`` can read the
parameters without Theano.  ``StripPickler`` pickles graphs without the
debugging tags of their variables (creation traces, test values).
"""
import io
import pickle
import zipfile
from collections import defaultdict

import numpy as np

from theano.graph.basic import Scratchpad
from theano.graph.sharedvalue import SharedVariable

__all__ = ["dump", "load", "StripPickler", "PersistentNdarrayID", "PersistentSharedVariableID",
           "PersistentNdarrayLoad", "DEFAULT_PROTOCOL", "function_dump"]

DEFAULT_PROTOCOL = pickle.HIGHEST_PROTOCOL


def _rebuild_scratchpad(attrs):
    pad = Scratchpad()
    pad.__dict__.update(attrs)
    return pad


class StripPickler(pickle.Pickler):
    """A Pickler that leaves out the ``trace`` and ``test_value`` tags of variables.

    Parameters
    ----------
    file : file object opened for binary writing
    protocol : int
    extra_tag_to_remove : list of str, optional
        More tag attributes to leave out.

    The objects being pickled are not modified (Theano 1.0 deleted the tags
    in place).

    Examples
    --------
    >>> import io, pickle, theano.tensor as T
    >>> from theano.misc.pkl_utils import StripPickler
    >>> x = T.dvector('x'); x.tag.test_value = [1.0]
    >>> buf = io.BytesIO(); StripPickler(buf, protocol=-1).dump(x * 2)
    >>> hasattr(pickle.loads(buf.getvalue()).owner.inputs[0].tag, 'test_value')
    False
    """

    def __init__(self, file, protocol=0, extra_tag_to_remove=None):
        super().__init__(file, protocol)
        self.tag_to_remove = {"trace", "test_value"} | set(extra_tag_to_remove or ())

    def reducer_override(self, obj):
        if type(obj) is Scratchpad:
            return _rebuild_scratchpad, ({k: v for k, v in vars(obj).items()
                                          if k not in self.tag_to_remove},)
        return NotImplemented


class PersistentNdarrayID:
    """Store every ndarray met while pickling as a member of ``zip_file`` (``array_N``)."""

    def __init__(self, zip_file):
        self.zip_file = zip_file
        self.count = 0
        self.seen = {}

    def _resolve_name(self, obj):
        name = "array_%d" % self.count
        self.count += 1
        return name

    def __call__(self, obj):
        if type(obj) is not np.ndarray:
            return None
        if id(obj) not in self.seen:
            name = self._resolve_name(obj)
            with self.zip_file.open(name, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, obj, allow_pickle=False)
            # (``obj`` is kept alive by the pickler's memo, so its id is stable.)
            self.seen[id(obj)] = "ndarray.%s" % name
        return self.seen[id(obj)]


class PersistentSharedVariableID(PersistentNdarrayID):
    """As PersistentNdarrayID, naming the value of a named shared variable after it.

    Parameters
    ----------
    allow_unnamed : bool
        Accept shared variables without a name (their values become ``array_N``).
    allow_duplicates : bool
        Accept several shared variables with the same name (the values of the
        later ones become ``name_2``, ``name_3``...).
    """

    def __init__(self, zip_file, allow_unnamed=True, allow_duplicates=True):
        super().__init__(zip_file)
        self.allow_unnamed = allow_unnamed
        self.allow_duplicates = allow_duplicates
        self.name_counter = defaultdict(int)
        self.ndarray_names = {}

    def _resolve_name(self, obj):
        name = self.ndarray_names.get(id(obj))
        if name is None:
            return super()._resolve_name(obj)
        count = self.name_counter[name]
        self.name_counter[name] += 1
        if count:
            if not self.allow_duplicates:
                raise ValueError("multiple shared variables with the name `%s` found" % name)
            name = "%s_%d" % (name, count + 1)
        return name

    def __call__(self, obj):
        if isinstance(obj, SharedVariable):
            if obj.name:
                if obj.name == "pkl":
                    raise ValueError("can't pickle a shared variable named `pkl`: the name of "
                                     "the pickle inside the zip file")
                self.ndarray_names[id(obj.container.storage[0])] = obj.name
            elif not self.allow_unnamed:
                raise ValueError("unnamed shared variable, %s" % (obj,))
        return super().__call__(obj)


class PersistentNdarrayLoad:
    """Read back the arrays that PersistentNdarrayID stored in ``zip_file``."""

    def __init__(self, zip_file):
        self.zip_file = zip_file
        self.cache = {}

    def __call__(self, persid):
        kind, name = persid.split(".", 1)
        if kind != "ndarray":
            raise pickle.UnpicklingError("unknown persistent id %r" % persid)
        if name not in self.cache:
            with self.zip_file.open(name) as f:
                self.cache[name] = np.lib.format.read_array(f, allow_pickle=False)
        return self.cache[name]


def dump(obj, file_handler, protocol=DEFAULT_PROTOCOL, persistent_id=PersistentSharedVariableID):
    """Pickle ``obj`` into the zip file ``file_handler``, its arrays as separate members.

    Examples
    --------
    >>> import io, numpy as np, theano
    >>> from theano.misc.pkl_utils import dump, load
    >>> foo = theano.shared(np.arange(3.0), name='foo')
    >>> f = io.BytesIO(); dump((foo, np.array(2)), f)
    >>> sorted(np.load(io.BytesIO(f.getvalue())).files)
    ['array_0', 'foo', 'pkl']
    >>> foo2, two = load(io.BytesIO(f.getvalue())); foo2.get_value().tolist()
    [0.0, 1.0, 2.0]
    """
    with zipfile.ZipFile(file_handler, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        buf = io.BytesIO()
        pickler = pickle.Pickler(buf, protocol=protocol)
        pickler.persistent_id = persistent_id(zf)
        pickler.dump(obj)
        zf.writestr("pkl", buf.getvalue())


def load(f, persistent_load=PersistentNdarrayLoad):
    """Load an object written by :func:`dump` from the (binary) file ``f``."""
    with zipfile.ZipFile(f, "r") as zf:
        unpickler = pickle.Unpickler(io.BytesIO(zf.read("pkl")))
        unpickler.persistent_load = persistent_load(zf)
        return unpickler.load()


def function_dump(filename, inputs, outputs=None, mode=None, updates=None, givens=None,
                  no_default_updates=False, accept_inplace=False, name=None,
                  rebuild_strict=True, allow_input_downcast=None, profile=None,
                  on_unused_input=None, extra_tag_to_remove=None):
    """Pickle the arguments of a ``theano.function`` call to ``filename``, to reproduce it.

    ``theano.function(**pickle.load(open(filename, 'rb')))`` compiles the same
    function (the debugging tags of the variables are left out).
    """
    args = dict(inputs=inputs, outputs=outputs, mode=mode, updates=updates, givens=givens,
                no_default_updates=no_default_updates, accept_inplace=accept_inplace,
                name=name, rebuild_strict=rebuild_strict,
                allow_input_downcast=allow_input_downcast, profile=profile,
                on_unused_input=on_unused_input)
    with open(filename, "wb") as f:
        StripPickler(f, protocol=-1, extra_tag_to_remove=extra_tag_to_remove).dump(args)
