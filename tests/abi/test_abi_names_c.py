"""The generated name tables (orbital/abi_names.h), compiled and asked about every number
in and around the ABI's ranges: the names are the definitions', undefined numbers get
NULL or the documented fallback, and the header needs nothing from a C library."""

from __future__ import annotations

from pathlib import Path

from cgen import PRELUDE, ROOT, USER, run, undefined_symbols

from orbital_build.abi.defs import load_abi

ABI = load_abi()
HEADER = "#include <orbital/abi_names.h>\n\n"


def _program(body: str) -> str:
    return PRELUDE + HEADER + "static inline void tok_n(const char *s) { tok_s(s ? s : \"-\"); }\n" \
        f"int main(void)\n{{\n{body}    return 0;\n}}\n"


def test_syscall_names_and_argument_counts(gcc: str, tmp_path: Path) -> None:
    body = """\
    for (unsigned nr = 0; nr < 0x110; nr++) {
        unsigned nargs = 99;
        const char *name = orb_syscall_name(nr, &nargs);
        tok_u(nr); tok_n(name); tok_u(nargs); endl();
        (void)orb_syscall_name(nr, NULL);   /* nargs may be NULL */
    }
"""
    by_nr = {s.number: s for s in ABI.syscalls}
    want = [f"{nr} {by_nr[nr].name} {len(by_nr[nr].args)}" if nr in by_nr else f"{nr} - 4"
            for nr in range(0x110)]
    got = [ln.strip() for ln in run(gcc, tmp_path, "names_sys", _program(body), ROOT)]
    assert got == want


def test_error_names_and_texts_take_either_sign(gcc: str, tmp_path: Path) -> None:
    body = """\
    for (long e = -20; e <= 20; e++) {
        tok_i(e); tok_s(orb_errno_name(e)); printf("|%s|", orb_errno_text(e)); endl();
    }
    tok_s(orb_errno_name(-9223372036854775807L - 1)); endl();   /* LONG_MIN */
"""
    by_value = {e.value: e for e in ABI.errors}
    want = []
    for e in range(-20, 21):
        err = by_value.get(abs(e))
        want.append(f"{e} {err.name} |{err.brief or err.doc}|" if err else
                    f"{e} E? |unknown error|")
    want.append("E?")
    got = [ln.strip() for ln in run(gcc, tmp_path, "names_err", _program(body), ROOT)]
    assert got == want
    assert by_value[5].brief == "would block"   # what the shell prints for EAGAIN


def test_object_type_and_commit_names(gcc: str, tmp_path: Path) -> None:
    body = """\
    for (unsigned t = 0; t < 0x110; t++) {
        tok_u(t); tok_n(orb_object_type_name(t)); tok_n(orb_commit_name(t)); endl();
    }
"""
    objects = {o.value: o.name.lower() for o in ABI.object_types}
    commits = {r.kind: r.name for r in ABI.commits}
    want = [f"{t} {objects.get(t, '-')} {commits.get(t, '-')}" for t in range(0x110)]
    got = [ln.strip() for ln in run(gcc, tmp_path, "names_obj", _program(body), ROOT)]
    assert got == want
    assert 5 not in commits and 13 not in commits   # reserved kinds have no name


def test_the_header_is_freestanding(gcc: str, tmp_path: Path) -> None:
    text = HEADER + """\
const char *probe(unsigned n, long e);
const char *probe(unsigned n, long e)
{
    unsigned k;
    return n & 1 ? orb_syscall_name(n, &k) : n & 2 ? orb_errno_text(e) :
           n & 4 ? orb_object_type_name(n) : orb_commit_name(n);
}
"""
    assert undefined_symbols(gcc, tmp_path, "names_free", text, ROOT, USER) == []
