/*
 * picket._speedups: the hot path of Registry.authenticate as a C callable.
 *
 * It does not link libpicket: picket._native (cffi, with libpicket.a inside) hands over the
 * address of picket_registry_authenticate, typed here by include/picket.h, so there is one
 * copy of the library in the process and every call goes through the C ABI.
 *
 * An Authenticator is bound to one registry. A call:
 *   1. takes the header without a copy: `bytes` as they are, a `str` whose characters are
 *      all below U+0100 as its own one-byte buffer (that is its ISO-8859-1 encoding);
 *   2. takes `now` (an int, or a finite float rounded down) and the requirement (an int);
 *   3. holds a reference to the registry's owner (the cffi pointer whose destructor frees
 *      the registry) for the length of the call, releases the GIL, calls the library, and
 *      takes the GIL back; a close() on another thread meanwhile only drops the
 *      Authenticator's own reference, so the registry is freed after this call returns;
 *   4. answers from a cache of Auth values (project, kind), or, on any failure code, calls
 *      the Python `fail(code, requirement)`, which raises the error (it reads this thread's
 *      last error message first).
 * Anything else (keyword arguments, other types, a str with wider characters, a value cffi
 * would refuse) goes to the Python `slow(header, now, requirement)`: the same rules, in
 * Python. Nothing is validated here that the library validates itself.
 *
 * An Authenticator is made only by picket._fast.bind, from the addresses cffi gives; like
 * a ctypes call, one made by hand from other integers would call whatever they point to.
 * One that was never initialised (or was cleared) refuses every call.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#include "picket.h"

typedef picket_result (*authenticate_fn)(const struct picket_registry *, const uint8_t *, size_t,
                                         uint64_t, picket_requirement, uint64_t *, uint32_t *);

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    authenticate_fn call;
    const struct picket_registry *registry; /* NULL once closed */
    PyObject *owner;     /* keeps the registry alive; NULL once closed */
    PyObject *results;   /* dict: (project << 2 | kind) -> Auth */
    PyObject *make_auth; /* callable(key) -> Auth */
    PyObject *fail;      /* callable(code, requirement) -> raises */
    PyObject *slow;      /* callable(header, now, requirement) -> Auth */
} Authenticator;

#define RESULTS_MAX 65536

static PyObject *slow_path(Authenticator *self, PyObject *const *args, size_t nargsf,
                           PyObject *kwnames) {
    if (self->slow == NULL) { /* never initialised, or cleared by the garbage collector */
        PyErr_SetString(PyExc_ValueError, "this Registry is closed");
        return NULL;
    }
    return PyObject_Vectorcall(self->slow, args, nargsf, kwnames);
}

static PyObject *authenticator_call(PyObject *op, PyObject *const *args, size_t nargsf,
                                    PyObject *kwnames) {
    Authenticator *self = (Authenticator *)op;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (kwnames != NULL || nargs < 2 || nargs > 3 || self->registry == NULL) {
        return slow_path(self, args, nargsf, kwnames);
    }
    PyObject *header = args[0];
    const uint8_t *data;
    Py_ssize_t len;
    if (PyBytes_CheckExact(header)) {
        data = (const uint8_t *)PyBytes_AS_STRING(header);
        len = PyBytes_GET_SIZE(header);
    } else if (PyUnicode_CheckExact(header) &&
#if PY_VERSION_HEX < 0x030C0000
               PyUnicode_READY(header) == 0 &&
#endif
               PyUnicode_KIND(header) == PyUnicode_1BYTE_KIND) {
        data = PyUnicode_1BYTE_DATA(header);
        len = PyUnicode_GET_LENGTH(header);
    } else {
        return slow_path(self, args, nargsf, kwnames);
    }
    PyObject *now_obj = args[1];
    uint64_t now;
    if (PyLong_CheckExact(now_obj)) {
        now = PyLong_AsUnsignedLongLong(now_obj);
        if (now == (uint64_t)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            return slow_path(self, args, nargsf, kwnames);
        }
    } else if (PyFloat_CheckExact(now_obj)) {
        double value = PyFloat_AS_DOUBLE(now_obj);
        if (!(value >= 0.0 && value < 18446744073709551616.0)) { /* also NaN */
            return slow_path(self, args, nargsf, kwnames);
        }
        now = (uint64_t)floor(value);
    } else {
        return slow_path(self, args, nargsf, kwnames);
    }
    unsigned long requirement = 3; /* PICKET_REQUIREMENT_ANY */
    if (nargs == 3) {
        if (!PyLong_Check(args[2])) {
            return slow_path(self, args, nargsf, kwnames);
        }
        requirement = PyLong_AsUnsignedLong(args[2]);
        if ((requirement == (unsigned long)-1 && PyErr_Occurred()) || requirement > 0xFFFFFFFFul) {
            PyErr_Clear();
            return slow_path(self, args, nargsf, kwnames);
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
        PyObject *call_args[2] = {code_obj, req != NULL ? req : Py_None};
        PyObject *result = PyObject_Vectorcall(self->fail, call_args, 2, NULL);
        Py_DECREF(code_obj);
        return result; /* fail() raises: NULL */
    }
    if (project > (UINT64_MAX >> 2) || kind > 3) {
        /* Not cacheable by one key: let Python build the answer. */
        return slow_path(self, args, nargsf, kwnames);
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
    auth = PyObject_CallOneArg(self->make_auth, key);
    if (auth != NULL && PyDict_GET_SIZE(self->results) < RESULTS_MAX) {
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
    Authenticator *self = (Authenticator *)type->tp_alloc(type, 0);
    if (self != NULL) {
        self->vectorcall = authenticator_call; /* refuses calls until initialised */
    }
    return (PyObject *)self;
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
    PyObject_GC_UnTrack(op);
    authenticator_clear(op);
    Py_TYPE(op)->tp_free(op);
}

static PyObject *authenticator_tp_call(PyObject *op, PyObject *args, PyObject *kwargs) {
    return PyVectorcall_Call(op, args, kwargs);
}

static PyMethodDef authenticator_methods[] = {
    {"close", authenticator_close, METH_NOARGS,
     "Forgets the registry; calls in flight keep it alive until they return."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject AuthenticatorType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "picket._speedups.Authenticator",
    .tp_basicsize = sizeof(Authenticator),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "Registry.authenticate for one registry, in C (see picket._fast).",
    .tp_new = authenticator_new,
    .tp_init = authenticator_init,
    .tp_dealloc = authenticator_dealloc,
    .tp_traverse = authenticator_traverse,
    .tp_clear = authenticator_clear,
    .tp_call = authenticator_tp_call,
    .tp_vectorcall_offset = offsetof(Authenticator, vectorcall),
    .tp_methods = authenticator_methods,
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT, "picket._speedups",
    "The hot path of picket.Registry.authenticate, in C (see picket._fast).", -1, NULL,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    if (PyType_Ready(&AuthenticatorType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&speedups_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&AuthenticatorType);
    if (PyModule_AddObject(module, "Authenticator", (PyObject *)&AuthenticatorType) < 0) {
        Py_DECREF(&AuthenticatorType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
