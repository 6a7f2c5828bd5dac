"""Error records in the shape Lambda's Python runtime reports them, and their log form."""

import os

# Error types of Lambda's Python runtime.
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
MARSHAL_ERROR = "Runtime.MarshalError"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"
CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

_RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FunctionFault(Exception):
    """A failure the runtime itself classifies (bad handler, unparsable event...)."""

    def __init__(self, error_type, message, stack_trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


def record(error_type, message, stack_trace, request_id=""):
    """The JSON body of POST .../error and of the error a caller receives."""
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": list(stack_trace or []),
    }


def _is_machinery(filename):
    return (
        os.path.abspath(filename).startswith(_RUNTIME_DIR + os.sep)
        or filename.startswith("<frozen importlib")
        or filename.endswith(os.path.join("importlib", "__init__.py"))
    )


def _user_frames(tb):
    """The traceback without the leading frames of the runtime and of the import
    machinery: the user sees their own code, as in Lambda."""
    import traceback  # only on errors: it costs a few ms of every cold start

    frames = traceback.extract_tb(tb)
    for i, frame in enumerate(frames):
        if not _is_machinery(frame.filename):
            return frames[i:]
    return frames


def from_exception(exc, request_id=""):
    if isinstance(exc, FunctionFault):
        return record(exc.error_type, exc.message, exc.stack_trace, request_id)
    import traceback

    frames = _user_frames(exc.__traceback__)
    return record(type(exc).__name__, str(exc), traceback.format_list(frames), request_id)


def log_text(error):
    """The lines Lambda's Python runtime writes to the function's log for an error:
    `[ERROR] Type: message`, then the traceback."""
    head = "[ERROR]"
    if error.get("errorType"):
        head += " " + error["errorType"]
    if error.get("errorMessage"):
        head += (":" if error.get("errorType") else "") + " " + error["errorMessage"]
    lines = [head, "Traceback (most recent call last):"]
    for entry in error.get("stackTrace") or []:
        lines.extend(entry.splitlines() if entry else [""])
    return "\n".join(lines) + "\n"
