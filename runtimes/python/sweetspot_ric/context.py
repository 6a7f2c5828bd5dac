"""The context object a handler receives as its second argument."""

import json
import os
import sys
import time


class ContextError(Exception):
    """A context header the Runtime API sent is not valid JSON."""


def _fill(obj, values, fields):
    for field in fields:
        setattr(obj, field, values.get(field))
    return obj


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __repr__(self):
        return "CognitoIdentity(cognito_identity_id=%r, cognito_identity_pool_id=%r)" % (
            self.cognito_identity_id,
            self.cognito_identity_pool_id,
        )


class Client:
    __slots__ = (
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    )

    def __repr__(self):
        return "Client(%s)" % ", ".join(
            "%s=%r" % (name, getattr(self, name)) for name in self.__slots__
        )


class ClientContext:
    __slots__ = ("custom", "env", "client")

    def __repr__(self):
        return "ClientContext(custom=%r, env=%r, client=%r)" % (
            self.custom,
            self.env,
            self.client,
        )


def _parse_json_header(value, what):
    try:
        return json.loads(value)
    except ValueError as e:
        raise ContextError("Unable to parse %s JSON: %s" % (what, e)) from e


def _memory_limit_in_mb():
    value = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


class LambdaContext:
    """Built per invoke from the environment (fixed for the execution environment)
    and the headers of that invoke."""

    def __init__(self, invocation):
        env = os.environ
        self.aws_request_id = invocation.request_id
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invocation.invoked_function_arn
        self.memory_limit_in_mb = _memory_limit_in_mb()
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.tenant_id = invocation.tenant_id
        self._deadline_ms = invocation.deadline_ms

        self.client_context = None
        if invocation.client_context:
            values = _parse_json_header(invocation.client_context, "Client Context")
            self.client_context = _fill(ClientContext(), values, ClientContext.__slots__)
            if isinstance(self.client_context.client, dict):
                self.client_context.client = _fill(
                    Client(), self.client_context.client, Client.__slots__
                )

        # Lambda always gives an identity object; its fields are None unless the
        # caller came through Amazon Cognito.
        identity = {}
        if invocation.cognito_identity:
            values = _parse_json_header(invocation.cognito_identity, "Cognito Identity")
            identity = {
                "cognito_identity_id": values.get("cognitoIdentityId"),
                "cognito_identity_pool_id": values.get("cognitoIdentityPoolId"),
            }
        self.identity = _fill(CognitoIdentity(), identity, CognitoIdentity.__slots__)

    def get_remaining_time_in_millis(self):
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, message):
        sys.stdout.write(str(message))

    def __repr__(self):
        return "LambdaContext(%s)" % ", ".join(
            "%s=%r" % (name, getattr(self, name))
            for name in (
                "aws_request_id",
                "function_name",
                "function_version",
                "invoked_function_arn",
                "memory_limit_in_mb",
                "log_group_name",
                "log_stream_name",
                "client_context",
                "identity",
            )
        )
