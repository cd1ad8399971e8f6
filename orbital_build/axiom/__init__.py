"""Host-side Axiom tools: read the CommitLog stream a boot produced, check its hash chain,
replay it into the kernel's authority state, and check that state."""

from .chain import ChainError, Commit, Log, read_log, read_stream, verify_chain, verify_end
from .replay import ReplayError, State, replay

__all__ = ["ChainError", "Commit", "Log", "ReplayError", "State", "read_log", "read_stream",
           "replay", "verify_chain", "verify_end"]
