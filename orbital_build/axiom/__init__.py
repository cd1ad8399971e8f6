"""Host-side Axiom tools: read the CommitLog stream a boot produced, check its hash chain,
replay it into the kernel's authority state, and check that state."""

from .chain import ChainError, Commit, read_log, verify_chain
from .replay import ReplayError, State, replay

__all__ = ["ChainError", "Commit", "ReplayError", "State", "read_log", "replay",
           "verify_chain"]
