"""Finds the function a `_HANDLER` string names: `module.function`, where the
module may be dotted (`pkg.mod.fn`) or a path (`src/app.fn`)."""

import importlib
import sys

from . import errors

_MISSING = object()


def load(handler):
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise errors.FunctionFault(
            errors.MALFORMED_HANDLER_NAME, "Bad handler '%s': %s" % (handler, e)
        ) from None

    if module_name.split(".")[0] in sys.builtin_module_names:
        raise errors.FunctionFault(
            errors.BUILT_IN_MODULE_CONFLICT,
            "Cannot use built-in module %s as a handler module" % module_name,
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise errors.FunctionFault(
            errors.IMPORT_MODULE_ERROR,
            "Unable to import module '%s': %s" % (module_name, e),
        ) from None
    except SyntaxError as e:
        where = '  File "%s" Line %s\n    %s' % (e.filename, e.lineno, (e.text or "").rstrip("\n"))
        raise errors.FunctionFault(
            errors.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '%s': %s" % (module_name, e),
            [where],
        ) from None

    function = getattr(module, function_name, _MISSING)
    if function is _MISSING:
        raise errors.FunctionFault(
            errors.HANDLER_NOT_FOUND,
            "Handler '%s' missing on module '%s'" % (function_name, module_name),
        )
    return function
