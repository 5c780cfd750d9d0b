"""A fake instance metadata service (IMDSv2) on 127.0.0.1, for one moto instance.

A worker on an EC2 instance reads its instance id, its tags and its Auto
Scaling target lifecycle state from ``http://169.254.169.254``. This server
answers the same paths for one instance of the local account, from what moto
holds (asked through boto3, so it works with a moto server), following
AWS's documentation (EC2 User Guide, "Use the Instance Metadata Service",
"View tags for your EC2 instances using instance metadata"; EC2 Auto Scaling
User Guide, "Retrieve the target lifecycle state through instance metadata"):

- ``PUT /latest/api/token`` with ``X-aws-ec2-metadata-token-ttl-seconds``
  (1..21600) returns a session token; without the header: 400;
- with ``HttpTokens: required`` in the instance's launch template (IMDSv2
  only), every ``GET`` without a valid ``X-aws-ec2-metadata-token`` gets 401;
- ``meta-data/instance-id``;
- ``meta-data/tags/instance`` (the keys, one a line) and
  ``meta-data/tags/instance/<key>``: only when the launch template sets
  ``InstanceMetadataTags: enabled``, else 404 as in AWS;
- ``meta-data/autoscaling/target-lifecycle-state``: the steady state the
  instance is heading for (``InService``, ``Terminated``, ``Detached``,
  ``Standby``); ``Terminated`` once the instance waits in
  ``Terminating:Wait`` (see `constructs_lib_testing.lifecycle_hooks`) or has
  left its group terminated; ``Detached`` when it left its group and still
  runs (``DetachInstances``: moto removes it from the group at once, where
  AWS shows ``Detaching`` first).

Point code at it with botocore's own variable,
``AWS_EC2_METADATA_SERVICE_ENDPOINT=<server.endpoint>``.
"""

from __future__ import annotations

import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["FakeInstanceMetadata", "target_lifecycle_state"]

MAX_TOKEN_TTL_SECONDS = 21_600

_TARGET_OF = {
    "Pending": "InService",
    "Pending:Wait": "InService",
    "Pending:Proceed": "InService",
    "InService": "InService",
    "Terminating": "Terminated",
    "Terminating:Wait": "Terminated",
    "Terminating:Proceed": "Terminated",
    "Detaching": "Detached",
    "EnteringStandby": "Standby",
    "Standby": "Standby",
}


#: EC2 states of an instance that was not terminated.
_STILL_RUNNING = ("pending", "running", "stopping", "stopped")


def target_lifecycle_state(lifecycle_state: str | None) -> str:
    """What IMDS reports for an Auto Scaling lifecycle state (None: left the group)."""
    if lifecycle_state is None:
        return "Terminated"
    return _TARGET_OF.get(lifecycle_state, lifecycle_state)


class FakeInstanceMetadata:
    """IMDSv2 for ``instance_id``, answered from the account behind ``session``.

    :param instance_id: an instance of an Auto Scaling group in the local account.
    :param ec2: a boto3 EC2 client of the local account.
    :param autoscaling: a boto3 Auto Scaling client of the local account.
    """

    def __init__(self, instance_id: str, *, ec2: Any, autoscaling: Any) -> None:
        self.instance_id = instance_id
        self.ec2 = ec2
        self.autoscaling = autoscaling
        #: Every request as (method, path, status), for tests to inspect.
        self.requests: list[tuple[str, str, int]] = []
        self._tokens: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeInstanceMetadata:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- answers ---------------------------------------------------------------

    def new_token(self, ttl_header: str | None) -> tuple[int, str]:
        if ttl_header is None or not ttl_header.isdigit():
            return 400, "missing or invalid X-aws-ec2-metadata-token-ttl-seconds"
        if not 1 <= int(ttl_header) <= MAX_TOKEN_TTL_SECONDS:
            return 400, "X-aws-ec2-metadata-token-ttl-seconds out of range"
        token = secrets.token_urlsafe(24)
        self._tokens.add(token)
        return 200, token

    def get(self, path: str, token: str | None) -> tuple[int, str]:
        options = self._metadata_options()
        if options.get("HttpTokens", "optional") == "required" and token not in self._tokens:
            return 401, ""
        if path == "/latest/meta-data/instance-id":
            return 200, self.instance_id
        if path == "/latest/meta-data/autoscaling/target-lifecycle-state":
            return 200, self._target_lifecycle_state()
        if path.startswith("/latest/meta-data/tags/instance"):
            return self._tags(path, enabled=options.get("InstanceMetadataTags") == "enabled")
        return 404, ""

    def _tags(self, path: str, *, enabled: bool) -> tuple[int, str]:
        if not enabled:
            return 404, ""
        tags = {t["Key"]: t["Value"] for t in self._instance()["Tags"]}
        key = path.removeprefix("/latest/meta-data/tags/instance").strip("/")
        if not key:
            return 200, "\n".join(sorted(tags))
        return (200, tags[key]) if key in tags else (404, "")

    def _instance(self) -> dict[str, Any]:
        reservations = self.ec2.describe_instances(InstanceIds=[self.instance_id])["Reservations"]
        return dict(reservations[0]["Instances"][0])

    def _target_lifecycle_state(self) -> str:
        state = self._lifecycle_state()
        if state is None and self._instance()["State"]["Name"] in _STILL_RUNNING:
            return "Detached"  # out of the group, not terminated: detached
        return target_lifecycle_state(state)

    def _lifecycle_state(self) -> str | None:
        found = self.autoscaling.describe_auto_scaling_instances(InstanceIds=[self.instance_id])
        instances = found["AutoScalingInstances"]
        return str(instances[0]["LifecycleState"]) if instances else None

    def _metadata_options(self) -> dict[str, str]:
        """The instance's metadata options, from its group's launch template."""
        found = self.autoscaling.describe_auto_scaling_instances(InstanceIds=[self.instance_id])
        template = (found["AutoScalingInstances"] or [{}])[0].get("LaunchTemplate")
        if template is None:  # left the group: its options no longer matter here
            return {"HttpTokens": "required"}
        versions = self.ec2.describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"], Versions=[str(template["Version"])]
        )["LaunchTemplateVersions"]
        return dict(versions[0]["LaunchTemplateData"].get("MetadataOptions", {}))


def _handler_for(metadata: FakeInstanceMetadata) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            if self.path != "/latest/api/token":
                self._answer(404, "")
                return
            self._answer(
                *metadata.new_token(self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"))
            )

        def do_GET(self) -> None:
            self._answer(*metadata.get(self.path, self.headers.get("X-aws-ec2-metadata-token")))

        def _answer(self, status: int, body: str) -> None:
            metadata.requests.append((self.command, self.path, status))
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the requests are recorded instead

    return Handler
