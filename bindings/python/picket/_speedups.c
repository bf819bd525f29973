/*
 * picket._speedups: the hot path of Registry.authenticate as a C callable.
 *
 * It does not link libpicket: picket._native (cffi, with libpicket.a inside) hands over the
 * address of picket_registry_authenticate, typed here by include/picket.h, so there is one
 * copy of the library in the process and every call goes through the C ABI.
 *
 * An Authenticator is bound to one registry. A call:
 *   1. takes the header without a copy: `bytes` as they are, an ASCII `str` as its UTF-8
 *      form, which CPython keeps in the string itself (the same bytes as its ISO-8859-1
 *      encoding, what the Python path sends);
 *   2. takes `now` (an int, or a finite float rounded down) and the requirement (an int);
 *   3. holds a reference to the registry's owner (the cffi pointer whose destructor frees
 *      the registry) for the length of the call, releases the GIL, calls the library, and
 *      takes the GIL back; a close() on another thread meanwhile only drops the
 *      Authenticator's own reference, so the registry is freed after this call returns;
 *   4. answers from a cache of Auth values (project, kind), or, on any failure code, calls
 *      the Python `fail(code, requirement)`, which raises the error (it reads this thread's
 *      last error message first).
 * Anything else (keyword arguments, other types, a str with other than ASCII characters, a
 * value cffi would refuse) goes to the Python `slow(header, now, requirement)`: the same
 * rules, in Python. Nothing is validated here that the library validates itself.
 *
 * The call is the method `authenticate` (METH_FASTCALL | METH_KEYWORDS: the arguments
 * arrive as an array, no tuple is made); picket._fast binds it as the registry's
 * `authenticate`.
 *
 * It is written on the limited API of CPython 3.9 (Py_LIMITED_API=0x03090000, set by
 * setup.py), so that one abi3 wheel serves every CPython from 3.9 on. Two names it uses
 * entered the limited API in 3.10 unchanged, and are declared below for 3.9: METH_FASTCALL
 * (0x0080 since 3.7) and PyUnicode_AsUTF8AndSize (exported with this signature since 3.3).
 * 3.9's own headers define both, and no 3.9 release will change them.
 *
 * An Authenticator is made only by picket._fast.bind, from the addresses cffi gives; like
 * a ctypes call, one made by hand from other integers would call whatever they point to.
 * One that was never initialised (or was cleared) refuses every call.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#if defined(Py_LIMITED_API) && Py_LIMITED_API + 0 < 0x030A0000
#ifndef METH_FASTCALL
#define METH_FASTCALL 0x0080
#endif
PyAPI_FUNC(const char *) PyUnicode_AsUTF8AndSize(PyObject *unicode, Py_ssize_t *size);
#endif

#include "picket.h"

typedef picket_result (*authenticate_fn)(const struct picket_registry *, const uint8_t *, size_t,
                                         uint64_t, picket_requirement, uint64_t *, uint32_t *);

typedef struct {
    PyObject_HEAD
    authenticate_fn call;
    const struct picket_registry *registry; /* NULL once closed */
    PyObject *owner;     /* keeps the registry alive; NULL once closed */
    PyObject *results;   /* dict: (project << 2 | kind) -> Auth */
    PyObject *make_auth; /* callable(key) -> Auth */
    PyObject *fail;      /* callable(code, requirement) -> raises */
    PyObject *slow;      /* callable(header, now, requirement) -> Auth */
} Authenticator;

#define RESULTS_MAX 65536

/* slow(*args, **kwargs), from the fast call's arguments. */
static PyObject *slow_path(Authenticator *self, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames) {
    if (self->slow == NULL) { /* never initialised, or cleared by the garbage collector */
        PyErr_SetString(PyExc_ValueError, "this Registry is closed");
        return NULL;
    }
    PyObject *positional = PyTuple_New(nargs);
    if (positional == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++) {
        Py_INCREF(args[i]);
        PyTuple_SetItem(positional, i, args[i]); /* steals the reference */
    }
    PyObject *keywords = NULL;
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_Size(kwnames);
    if (nkw > 0) {
        keywords = PyDict_New();
        for (Py_ssize_t i = 0; keywords != NULL && i < nkw; i++) {
            if (PyDict_SetItem(keywords, PyTuple_GetItem(kwnames, i), args[nargs + i]) < 0) {
                Py_CLEAR(keywords);
            }
        }
        if (keywords == NULL) {
            Py_DECREF(positional);
            return NULL;
        }
    }
    PyObject *result = PyObject_Call(self->slow, positional, keywords);
    Py_DECREF(positional);
    Py_XDECREF(keywords);
    return result;
}

static PyObject *authenticator_authenticate(PyObject *op, PyObject *const *args,
                                            Py_ssize_t nargs, PyObject *kwnames) {
    Authenticator *self = (Authenticator *)op;
    if ((kwnames != NULL && PyTuple_Size(kwnames) > 0) || nargs < 2 || nargs > 3 ||
        self->registry == NULL) {
        return slow_path(self, args, nargs, kwnames);
    }
    PyObject *header = args[0];
    const uint8_t *data;
    Py_ssize_t len;
    if (PyBytes_CheckExact(header)) {
        char *buffer;
        if (PyBytes_AsStringAndSize(header, &buffer, &len) < 0) {
            return NULL;
        }
        data = (const uint8_t *)buffer;
    } else if (PyUnicode_CheckExact(header)) {
        /* For an ASCII str, its own buffer (no copy); anything else goes the slow way. */
        data = (const uint8_t *)PyUnicode_AsUTF8AndSize(header, &len);
        if (data == NULL || len != PyUnicode_GetLength(header)) {
            PyErr_Clear(); /* a lone surrogate: the slow path says why */
            return slow_path(self, args, nargs, kwnames);
        }
    } else {
        return slow_path(self, args, nargs, kwnames);
    }
    PyObject *now_obj = args[1];
    uint64_t now;
    if (PyLong_CheckExact(now_obj)) {
        now = PyLong_AsUnsignedLongLong(now_obj);
        if (now == (uint64_t)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            return slow_path(self, args, nargs, kwnames);
        }
    } else if (PyFloat_CheckExact(now_obj)) {
        double value = PyFloat_AsDouble(now_obj);
        if (!(value >= 0.0 && value < 18446744073709551616.0)) { /* also NaN */
            return slow_path(self, args, nargs, kwnames);
        }
        now = (uint64_t)floor(value);
    } else {
        return slow_path(self, args, nargs, kwnames);
    }
    unsigned long requirement = 3; /* PICKET_REQUIREMENT_ANY */
    if (nargs == 3) {
        if (!PyLong_Check(args[2])) {
            return slow_path(self, args, nargs, kwnames);
        }
        requirement = PyLong_AsUnsignedLong(args[2]);
        if ((requirement == (unsigned long)-1 && PyErr_Occurred()) || requirement > 0xFFFFFFFFul) {
            PyErr_Clear();
            return slow_path(self, args, nargs, kwnames);
        }
    }

    const struct picket_registry *registry = self->registry;
    PyObject *owner = self->owner;
    Py_INCREF(owner); /* the registry lives until this call returns */
    Py_INCREF(header); /* so does the buffer `data` points into */
    uint64_t project = 0;
    uint32_t kind = 0;
    picket_result code;
    Py_BEGIN_ALLOW_THREADS
    code = self->call(registry, data, (size_t)len, now, (picket_requirement)requirement, &project,
                      &kind);
    Py_END_ALLOW_THREADS
    Py_DECREF(header);
    Py_DECREF(owner);

    if (code != 0) {
        PyObject *req = nargs == 3 ? args[2] : NULL;
        PyObject *code_obj = PyLong_FromUnsignedLong(code);
        if (code_obj == NULL) {
            return NULL;
        }
        PyObject *result =
            PyObject_CallFunctionObjArgs(self->fail, code_obj, req != NULL ? req : Py_None, NULL);
        Py_DECREF(code_obj);
        return result; /* fail() raises: NULL */
    }
    if (project > (UINT64_MAX >> 2) || kind > 3) {
        /* Not cacheable by one key: let Python build the answer. */
        return slow_path(self, args, nargs, kwnames);
    }
    PyObject *key = PyLong_FromUnsignedLongLong((project << 2) | kind);
    if (key == NULL) {
        return NULL;
    }
    PyObject *auth = PyDict_GetItemWithError(self->results, key);
    if (auth != NULL) {
        Py_DECREF(key);
        Py_INCREF(auth);
        return auth;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(key);
        return NULL;
    }
    auth = PyObject_CallFunctionObjArgs(self->make_auth, key, NULL);
    if (auth != NULL && PyDict_Size(self->results) < RESULTS_MAX) {
        if (PyDict_SetItem(self->results, key, auth) < 0) {
            Py_CLEAR(auth);
        }
    }
    Py_DECREF(key);
    return auth;
}

static PyObject *authenticator_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    (void)args;
    (void)kwds;
    allocfunc alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
    return alloc(type, 0); /* zeroed: it refuses calls until initialised */
}

static int authenticator_init(PyObject *op, PyObject *args, PyObject *kwds) {
    Authenticator *self = (Authenticator *)op;
    unsigned long long function, registry;
    PyObject *owner, *results, *make_auth, *fail, *slow;
    static char *names[] = {"function", "registry", "owner", "results", "make_auth",
                            "fail", "slow", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "KKOO!OOO:Authenticator", names, &function,
                                     &registry, &owner, &PyDict_Type, &results, &make_auth, &fail,
                                     &slow)) {
        return -1;
    }
    if (function == 0 || registry == 0) {
        PyErr_SetString(PyExc_ValueError, "function and registry must not be NULL");
        return -1;
    }
    if (self->call != NULL) {
        PyErr_SetString(PyExc_TypeError, "an Authenticator is initialised once");
        return -1;
    }
    self->call = (authenticate_fn)(uintptr_t)function;
    self->registry = (const struct picket_registry *)(uintptr_t)registry;
    Py_INCREF(owner);
    self->owner = owner;
    Py_INCREF(results);
    self->results = results;
    Py_INCREF(make_auth);
    self->make_auth = make_auth;
    Py_INCREF(fail);
    self->fail = fail;
    Py_INCREF(slow);
    self->slow = slow;
    return 0;
}

static PyObject *authenticator_close(PyObject *op, PyObject *unused) {
    Authenticator *self = (Authenticator *)op;
    (void)unused;
    self->registry = NULL;
    Py_CLEAR(self->owner); /* calls in flight hold their own reference */
    Py_RETURN_NONE;
}

static int authenticator_traverse(PyObject *op, visitproc visit, void *arg) {
    Authenticator *self = (Authenticator *)op;
    Py_VISIT((PyObject *)Py_TYPE(op)); /* a heap type: its instances hold it */
    Py_VISIT(self->owner);
    Py_VISIT(self->results);
    Py_VISIT(self->make_auth);
    Py_VISIT(self->fail);
    Py_VISIT(self->slow);
    return 0;
}

static int authenticator_clear(PyObject *op) {
    Authenticator *self = (Authenticator *)op;
    self->registry = NULL;
    Py_CLEAR(self->owner);
    Py_CLEAR(self->results);
    Py_CLEAR(self->make_auth);
    Py_CLEAR(self->fail);
    Py_CLEAR(self->slow);
    return 0;
}

static void authenticator_dealloc(PyObject *op) {
    PyTypeObject *type = Py_TYPE(op);
    PyObject_GC_UnTrack(op);
    authenticator_clear(op);
    freefunc free_object = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free_object(op);
    Py_DECREF(type);
}

static PyMethodDef authenticator_methods[] = {
    {"authenticate", (PyCFunction)(void (*)(void))authenticator_authenticate,
     METH_FASTCALL | METH_KEYWORDS,
     "authenticate(header, now, requirement=ANY): Registry.authenticate for this registry."},
    {"close", authenticator_close, METH_NOARGS,
     "Forgets the registry; calls in flight keep it alive until they return."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot authenticator_slots[] = {
    {Py_tp_doc, (void *)"Registry.authenticate for one registry, in C (see picket._fast)."},
    {Py_tp_new, (void *)authenticator_new},
    {Py_tp_init, (void *)authenticator_init},
    {Py_tp_dealloc, (void *)authenticator_dealloc},
    {Py_tp_traverse, (void *)authenticator_traverse},
    {Py_tp_clear, (void *)authenticator_clear},
    {Py_tp_methods, (void *)authenticator_methods},
    {0, NULL},
};

static PyType_Spec authenticator_spec = {
    "picket._speedups.Authenticator",
    sizeof(Authenticator),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    authenticator_slots,
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT, "picket._speedups",
    "The hot path of picket.Registry.authenticate, in C (see picket._fast).", -1, NULL,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    PyObject *module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    PyObject *type = PyType_FromSpec(&authenticator_spec);
    if (type == NULL || PyModule_AddObject(module, "Authenticator", type) < 0) {
        Py_XDECREF(type);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
