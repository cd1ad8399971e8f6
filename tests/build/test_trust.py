"""Trust anchors from PEM files (orbital_build/image/trust.py): the generated C, compiled
on the host against BearSSL's own headers, holds each certificate's subject name, CA flag
and public key exactly as `cryptography` reads them."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from orbital_build.image.trust import TrustError, load_certificates, trust_anchors_c
from orbital_build.thirdparty.command import ensure

ROOT = Path(__file__).resolve().parents[2]

DUMP = r"""
#include <stdio.h>
#include <bearssl.h>
extern const br_x509_trust_anchor orb_trust_anchors[];
extern const size_t orb_trust_anchor_count;
static void hex(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf(" ");
}
int main(void)
{
	for (size_t i = 0; i < orb_trust_anchor_count; i++) {
		const br_x509_trust_anchor *t = &orb_trust_anchors[i];
		hex(t->dn.data, t->dn.len);
		printf("%u ", t->flags);
		if (t->pkey.key_type == BR_KEYTYPE_RSA) {
			printf("rsa ");
			hex(t->pkey.key.rsa.n, t->pkey.key.rsa.nlen);
			hex(t->pkey.key.rsa.e, t->pkey.key.rsa.elen);
		} else {
			printf("ec %d ", t->pkey.key.ec.curve);
			hex(t->pkey.key.ec.q, t->pkey.key.ec.qlen);
		}
		printf("\n");
	}
	printf("count %zu\n", orb_trust_anchor_count);
	return 0;
}
"""


def _cert(cn: str, key, ca: bool | None) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Orbital tests")])
    b = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
         .public_key(key.public_key()).serial_number(7)
         .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1)))
    if ca is not None:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    return b.sign(key, hashes.SHA256())


def _pem(c: x509.Certificate) -> bytes:
    return c.public_bytes(serialization.Encoding.PEM)


def _run_dump(tmp: Path, c_source: str) -> list[str]:
    [(_, tree)] = ensure(ROOT, ["bearssl"]).values()
    (tmp / "anchors.c").write_text(c_source)
    (tmp / "dump.c").write_text(DUMP)
    exe = tmp / "dump"
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Werror", "-I", str(tree / "inc"),
                    str(tmp / "anchors.c"), str(tmp / "dump.c"), "-o", str(exe)],
                   check=True, capture_output=True, text=True, timeout=60)
    return subprocess.run([str(exe)], check=True, capture_output=True, text=True,
                          timeout=10).stdout.splitlines()


def test_rsa_and_ec_anchors_carry_name_flag_and_key(tmp_path: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP384R1())
    rsa_ca, ec_leaf = _cert("RSA anchor", rsa_key, True), _cert("EC anchor", ec_key, None)
    (tmp_path / "two.pem").write_bytes(_pem(rsa_ca) + _pem(ec_leaf))
    out = _run_dump(tmp_path, trust_anchors_c((tmp_path / "two.pem",), "test"))
    assert out[-1] == "count 2"
    n = rsa_key.public_key().public_numbers().n.to_bytes(256, "big")
    assert out[0].split() == [rsa_ca.subject.public_bytes().hex(), "1", "rsa", n.hex(),
                              "010001"]
    q = ec_key.public_key().public_bytes(serialization.Encoding.X962,
                                         serialization.PublicFormat.UncompressedPoint)
    assert out[1].split() == [ec_leaf.subject.public_bytes().hex(), "0", "ec", "24", q.hex()]


def test_no_anchors_compiles_to_an_empty_list(tmp_path: Path) -> None:
    assert _run_dump(tmp_path, trust_anchors_c((), "test")) == ["count 0"]


def test_unsupported_curve_and_non_pem_are_one_line_errors(tmp_path: Path) -> None:
    odd = _cert("odd curve", ec.generate_private_key(ec.SECP256K1()), True)
    (tmp_path / "odd.pem").write_bytes(_pem(odd))
    with pytest.raises(TrustError, match=r"odd\.pem: certificate 1: curve secp256k1 is not"):
        trust_anchors_c((tmp_path / "odd.pem",), "test")
    (tmp_path / "junk.pem").write_text("not a certificate\n")
    with pytest.raises(TrustError, match=r"junk\.pem: not a PEM certificate file"):
        load_certificates(tmp_path / "junk.pem")
