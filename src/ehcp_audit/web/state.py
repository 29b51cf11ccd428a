"""What every request handler reaches through `request.app.state.web`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ehcp_audit.accounts import Accounts
from ehcp_audit.bootstrap import Bootstrap
from ehcp_audit.web.live_view import LiveView


@dataclass
class Web:
    boot: Bootstrap
    accounts_factory: Callable[[], Accounts]
    pseudonym_key: bytes | None  # a viewer sees pseudonyms (None: ids, as the deployment chose)
    work_dir: Path  # uploads waiting for confirmation, reports made here
    live: LiveView = field(init=False)

    _accounts: Accounts | None = field(default=None, init=False)
    _accounts_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.live = LiveView(self.boot)

    @contextmanager
    def accounts(self) -> Iterator[Accounts]:
        """One open for the server's life, used by one handler thread at a time."""
        with self._accounts_lock:
            if self._accounts is None:
                self._accounts = self.accounts_factory()
            yield self._accounts

    def warm_up(self) -> None:
        """Catch the view up before the first request asks (seconds on a large authority)."""
        with self.live.reading():
            pass

    def close(self) -> None:
        if self._accounts is not None:
            self._accounts.close()
        self.live.close()
