"""Code of the example app that runs in AWS (Lambda handlers, worker handlers).

Kept apart from `stacks/`, which only synthesizes: each subfolder is shipped
as one asset, so it holds its own modules and nothing else.
"""
