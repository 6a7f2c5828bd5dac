import os


def handler(event, context):
    return {
        "message": "%s from %s" % (os.environ["GREETING"], os.environ["LANGUAGE"]),
        "stage": os.environ["STAGE"],
        "function": context.function_name,
        "memory": context.memory_limit_in_mb,
    }
