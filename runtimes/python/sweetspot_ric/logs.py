"""print() and logging as a Lambda function sees them: every write reaches the log at
once (no buffering), and the root logger writes
`[LEVEL]\\t<UTC timestamp>\\t<request id>\\t<message>` lines to stdout, or one JSON
object per line when the function's log format is JSON (AWS_LAMBDA_LOG_FORMAT)."""

import json
import logging
import os
import sys
import time

from . import errors

# LogRecord attributes that are not a user's `extra=` fields.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"aws_request_id", "message", "asctime"}


class Unbuffered:
    """Wraps a text stream so each write is flushed: output written just before a
    crash, timeout or freeze still reaches the log."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        written = self._stream.write(text)
        self._stream.flush()
        return written

    def writelines(self, lines):
        self._stream.writelines(lines)
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _RequestIdFilter(logging.Filter):
    def __init__(self):
        super().__init__()
        self.request_id = ""

    def filter(self, record):
        record.aws_request_id = self.request_id
        return True


class _TextFormatter(logging.Formatter):
    converter = time.gmtime

    def __init__(self):
        super().__init__(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            "%Y-%m-%dT%H:%M:%S",
        )


class _JsonFormatter(logging.Formatter):
    """Lambda's JSON log lines: timestamp, level, message, logger, requestId; the
    exception when one is logged; and the record's `extra=` fields."""

    converter = time.gmtime

    def __init__(self):
        super().__init__(datefmt="%Y-%m-%dT%H:%M:%SZ")

    def format(self, record):
        line = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", None) or None,
        }
        if record.exc_info and record.exc_info[0] is not None:
            import traceback

            line["errorType"] = record.exc_info[0].__name__
            line["errorMessage"] = str(record.exc_info[1])
            line["stackTrace"] = traceback.format_tb(record.exc_info[2])
            line["location"] = "%s:%s:%d" % (record.pathname, record.funcName, record.lineno)
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in line:
                line[key] = value
        return json.dumps({k: v for k, v in line.items() if v is not None}, default=str, ensure_ascii=False)


class _StdoutHandler(logging.Handler):
    """Looks sys.stdout up at each record, so it follows the Unbuffered wrapper."""

    def emit(self, record):
        try:
            sys.stdout.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


class FunctionLog:
    """Installs the streams and the root logger handler; tells the logger which
    request is running."""

    def __init__(self):
        sys.stdout = Unbuffered(sys.stdout)
        sys.stderr = Unbuffered(sys.stderr)
        self.json = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
        self._filter = _RequestIdFilter()
        handler = _StdoutHandler()
        handler.setFormatter(_JsonFormatter() if self.json else _TextFormatter())
        handler.addFilter(self._filter)
        root = logging.getLogger()
        root.addHandler(handler)
        # As in Lambda, the root logger keeps Python's default level (WARNING)
        # unless the function's log level is configured.
        level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
        if level in ("TRACE", "DEBUG"):
            root.setLevel(logging.DEBUG)
        elif level in ("INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL"):
            root.setLevel({"WARN": "WARNING", "FATAL": "CRITICAL"}.get(level, level))

    def set_request_id(self, request_id):
        self._filter.request_id = request_id or ""

    def error(self, error):
        if self.json:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            sys.stdout.write(json.dumps({"timestamp": stamp, "log_level": "ERROR", **error}) + "\n")
        else:
            sys.stdout.write(errors.log_text(error))
