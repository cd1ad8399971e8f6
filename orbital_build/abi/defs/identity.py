"""The Identity service (spec §4.3, §5.7; docs/services.md "Identity"): its error codes,
roles, limits, messages, and the sealed records it keeps in Storage.

Spec tags 0x6000-0x6009 keep their meaning (0x6004/0x6005 are IDENTITY_REGISTER_*, D7;
CREATE_USER is 0x6008/0x6009, spec §5.7). The spec's enums with fields (AuthMethod,
Result<AuthSuccess, AuthError>) travel flattened: a method byte with the fields every
method may use, and `ok` + `error` in front of each answer. Orbital adds the challenge
for public-key logins and the account operations in 0x600A-0x6015 (D241).

Records at rest (Storage, `system` namespace, keys `identity/...`): an `identity_sealed`
header, then the XChaCha20-Poly1305 ciphertext of one fixed-layout record and its 16-byte
tag; the header and the Storage key are the associated data (D243).
"""

from __future__ import annotations

from ..model import Constant, Message, MessageTag, Struct
from ..model import MessageField as M
from ..model import StructField as F


def _consts(prefix: str, names: str, doc: str, first: int = 0, step: str = "+") -> tuple:
    out = []
    for i, n in enumerate(names.split()):
        value = first + i if step == "+" else 1 << i
        out.append(Constant(f"{prefix}{n}", value, doc))
    return tuple(out)


CONSTANTS = (
    # IdentityError: spec AuthError (0-3), then Orbital's (D241)
    Constant("IDENTITY_ERR_BAD_CREDENTIALS", 0,
             "IdentityError InvalidCredentials (spec AuthError): wrong password, signature, "
             "challenge or token; also an unknown user at AUTH (D244)"),
    Constant("IDENTITY_ERR_USER_NOT_FOUND", 1, "IdentityError UserNotFound (spec AuthError)"),
    Constant("IDENTITY_ERR_ACCOUNT_LOCKED", 2,
             "IdentityError AccountLocked (spec AuthError): retry_after_ms says for how long"),
    Constant("IDENTITY_ERR_TOKEN_EXPIRED", 3, "IdentityError TokenExpired (spec AuthError)"),
    Constant("IDENTITY_ERR_RATE_LIMITED", 4,
             "IdentityError RateLimited: this caller asked too often; retry_after_ms"),
    Constant("IDENTITY_ERR_ACCOUNT_DISABLED", 5, "IdentityError AccountDisabled"),
    Constant("IDENTITY_ERR_UNAVAILABLE", 6,
             "IdentityError Unavailable: no entropy source or no usable store; `reason` "
             "says which"),
    Constant("IDENTITY_ERR_NOT_PERMITTED", 7,
             "IdentityError PermissionDenied: the caller or session may not do this"),
    Constant("IDENTITY_ERR_INVALID_REQUEST", 8,
             "IdentityError InvalidRequest: a field out of its limits (name, password, "
             "roles, key or data length)"),
    Constant("IDENTITY_ERR_ALREADY_EXISTS", 9, "IdentityError AlreadyExists"),
    Constant("IDENTITY_ERR_FULL", 10,
             "IdentityError Full: no room for another user, service, key or session"),
    # roles (spec: admin, user, guest, system) as a bit set (D242)
    *_consts("IDENTITY_ROLE_", "ADMIN USER GUEST SYSTEM", "role bit (spec §4.3)", step="<<"),
    Constant("IDENTITY_ROLES_ALL", 0xF, "every role bit"),
    # IdentityType, AuthMethod, AccountStatus: spec discriminants
    *_consts("IDENTITY_TYPE_", "USER SERVICE SYSTEM", "IdentityType (spec §4.3)"),
    *_consts("IDENTITY_AUTH_", "PASSWORD PUBLIC_KEY TOKEN", "AuthMethod (spec §4.3)"),
    *_consts("IDENTITY_STATUS_", "ACTIVE LOCKED DISABLED", "AccountStatus (spec §4.3)"),
    # limits
    Constant("IDENTITY_NAME_MAX", 32,
             "bytes of a user or service name: [a-z][a-z0-9_.-]*, users and services share "
             "one set of names"),
    Constant("IDENTITY_PASSWORD_MAX", 128, "bytes of a password (at least 1)"),
    Constant("IDENTITY_TOKEN_LEN", 64,
             "characters of a session, refresh or service token: 32 CSPRNG bytes in lower-"
             "case hex (spec §4.3)"),
    Constant("IDENTITY_CHALLENGE_SIZE", 32, "bytes of a public-key login challenge"),
    Constant("IDENTITY_KEY_SIZE", 32, "bytes of an Ed25519 public key"),
    Constant("IDENTITY_SIGNATURE_SIZE", 64, "bytes of an Ed25519 signature"),
    Constant("IDENTITY_SIGN_MAX", 2048, "bytes of data one SIGN request signs at most"),
    Constant("IDENTITY_USER_KEYS", 4, "public keys one user may register"),
    Constant("IDENTITY_REASON_MAX", 64, "bytes of an account status reason"),
    Constant("IDENTITY_SESSION_DURATION_S", 86400,
             "SESSION_DURATION (spec §5.7): seconds a session token lives (a test image "
             "may shorten it, D245)"),
    Constant("IDENTITY_SEALED_MAGIC", 0x4944_524F,
             "sealed record magic, the bytes \"ORDI\""),
    Constant("IDENTITY_SEALED_VERSION", 1, "sealed record format version"),
    Constant("IDENTITY_SEAL_TAG_SIZE", 16, "bytes of the Poly1305 tag after the ciphertext"),
    *_consts("IDENTITY_RECORD_", "KEYCHECK USER SERVICE",
             "identity_sealed kind: what the ciphertext holds", first=1),
)

TAGS = (
    MessageTag("AUTH_CHALLENGE", 0x600A,
               "client -> identity: a fresh challenge for a public-key login (Orbital)",
               "identity"),
    MessageTag("AUTH_CHALLENGE_RESPONSE", 0x600B, "identity -> client", "identity"),
    MessageTag("IDENTITY_ADD_KEY", 0x600C,
               "a session adds an Ed25519 public key to its user (Orbital)", "identity"),
    MessageTag("IDENTITY_ADD_KEY_RESPONSE", 0x600D, "identity -> client", "identity"),
    MessageTag("IDENTITY_LOGOUT", 0x600E, "end a session (Orbital)", "identity"),
    MessageTag("IDENTITY_LOGOUT_RESPONSE", 0x600F, "identity -> client", "identity"),
    MessageTag("IDENTITY_PASSWD", 0x6010, "change a password (Orbital)", "identity"),
    MessageTag("IDENTITY_PASSWD_RESPONSE", 0x6011, "identity -> client", "identity"),
    MessageTag("IDENTITY_HAS_ROLE", 0x6012, "has_role (spec §4.3): users, then services",
               "identity"),
    MessageTag("IDENTITY_HAS_ROLE_RESPONSE", 0x6013, "identity -> client", "identity"),
    MessageTag("ACCOUNT_STATUS", 0x6014,
               "an admin sets a user's AccountStatus (Orbital)", "identity"),
    MessageTag("ACCOUNT_STATUS_RESPONSE", 0x6015, "identity -> client", "identity"),
)

_RESULT = (M("ok", "u8", "1: success; 0: failed with `error`"),
           M("error", "u8", "ORB_IDENTITY_ERR_* when ok = 0"))
_REASON = M("reason", "str", "a human-readable reason when ok = 0 (may be empty)")


def _result(tag: str, doc: str) -> Message:
    return Message(tag, tag, (*_RESULT, _REASON), doc)


MESSAGES = (
    Message("AUTH", "AUTH",
            (M("username", "str", "a user's or a service's name"),
             M("method", "u8", "ORB_IDENTITY_AUTH_*"),
             M("secret", "bytes", "the password; the Ed25519 signature (64 bytes) of the "
                                  "challenge message (D241); or the refresh token"),
             M("challenge", "bytes", "PublicKey only: the challenge AUTH_CHALLENGE gave")),
            "AuthRequest (spec §4.3) with AuthMethod flattened."),
    Message("AUTH_RESPONSE", "AUTH_RESPONSE",
            (*_RESULT,
             M("token", "str", "the session token (64 hex characters)"),
             M("refresh_token", "str", "for AUTH by Token once the session expires"),
             M("expires_at", "u64", "ns since boot when the session ends"),
             M("refresh_expires_at", "u64", "ns since boot when the refresh token ends"),
             M("roles", "u8", "ORB_IDENTITY_ROLE_* set"),
             M("retry_after_ms", "u32", "AccountLocked, RateLimited: when to try again"),
             _REASON),
            "Result<AuthSuccess, AuthError> (spec §4.3)."),
    Message("VERIFY", "VERIFY", (M("token", "str"),),
            "Is this session (or service) token valid? (spec §4.3 VerifyRequest)"),
    Message("VERIFY_RESPONSE", "VERIFY_RESPONSE",
            (M("valid", "u8"),
             M("error", "u8", "why not: InvalidCredentials (unknown or malformed) or "
                              "TokenExpired"),
             M("id", "str", "user:NAME or service:NAME"),
             M("kind", "u8", "ORB_IDENTITY_TYPE_*"),
             M("name", "str"), M("roles", "u8", "ORB_IDENTITY_ROLE_* set"),
             M("expires_at", "u64", "ns since boot; 0 for a service token (no expiry)")),
            "VerifyResponse (spec §4.3) with the Identity flattened."),
    Message("IDENTITY_REGISTER_SERVICE", "IDENTITY_REGISTER_SERVICE",
            (M("name", "str"),
             M("public_key", "bytes", "the service's own Ed25519 key (32 bytes), or empty: "
                                      "Identity makes the key pair and signs for it")),
            "ServiceRegistration (spec §4.3); from System or Runtime processes only."),
    Message("IDENTITY_REGISTER_RESPONSE", "IDENTITY_REGISTER_RESPONSE",
            (*_RESULT, M("service_id", "str"), M("token", "str", "long-lived service token"),
             M("public_key", "bytes", "the service's public key"), _REASON),
            "ServiceRegistrationResponse (spec §4.3) plus the public key."),
    Message("SIGN", "SIGN",
            (M("token", "str", "a service token"), M("data", "bytes")),
            "SignRequest (spec §4.3): Ed25519 over data with the service's key."),
    Message("SIGN_RESPONSE", "SIGN_RESPONSE",
            (*_RESULT, M("signature", "bytes"), M("public_key", "bytes"), _REASON),
            "SignResponse (spec §4.3) plus the key that verifies it."),
    Message("CREATE_USER", "CREATE_USER",
            (M("admin_token", "str", "an admin's session; empty only for the first user, "
                                     "from a System process (D244)"),
             M("username", "str"), M("password", "str"),
             M("roles", "u8", "ORB_IDENTITY_ROLE_* set, not SYSTEM")),
            "CREATE_USER (spec §4.3, §5.7)."),
    Message("CREATE_USER_RESPONSE", "CREATE_USER_RESPONSE",
            (*_RESULT, M("user_id", "str"), _REASON), "The new user's id, user:NAME."),
    Message("AUTH_CHALLENGE", "AUTH_CHALLENGE", (M("username", "str"),),
            "A fresh challenge for AUTH by PublicKey (D241)."),
    Message("AUTH_CHALLENGE_RESPONSE", "AUTH_CHALLENGE_RESPONSE",
            (*_RESULT, M("challenge", "bytes"),
             M("expires_at", "u64", "ns since boot; the challenge works once, until then"),
             M("retry_after_ms", "u32"), _REASON),
            "The challenge to sign."),
    Message("IDENTITY_ADD_KEY", "IDENTITY_ADD_KEY",
            (M("token", "str", "the user's session"), M("public_key", "bytes")),
            "Add an Ed25519 public key to the session's user."),
    _result("IDENTITY_ADD_KEY_RESPONSE", "Result<(), IdentityError>."),
    Message("IDENTITY_LOGOUT", "IDENTITY_LOGOUT", (M("token", "str"),),
            "End the session (and its refresh token)."),
    _result("IDENTITY_LOGOUT_RESPONSE", "Result<(), IdentityError>."),
    Message("IDENTITY_PASSWD", "IDENTITY_PASSWD",
            (M("token", "str", "a session"),
             M("username", "str", "empty: the session's own user (then old_password is "
                                  "checked); another user: admins only"),
             M("old_password", "str"), M("new_password", "str")),
            "Change a password; the user's other sessions end."),
    _result("IDENTITY_PASSWD_RESPONSE", "Result<(), IdentityError>."),
    Message("IDENTITY_HAS_ROLE", "IDENTITY_HAS_ROLE",
            (M("id", "str", "user:NAME, service:NAME or a bare NAME"),
             M("role", "u8", "one ORB_IDENTITY_ROLE_* bit")),
            "has_role (spec §4.3): users first, then services."),
    Message("IDENTITY_HAS_ROLE_RESPONSE", "IDENTITY_HAS_ROLE_RESPONSE",
            (M("known", "u8"), M("has", "u8")), "Whether the identity exists and has it."),
    Message("ACCOUNT_STATUS", "ACCOUNT_STATUS",
            (M("admin_token", "str"), M("username", "str"),
             M("status", "u8", "ORB_IDENTITY_STATUS_*"), M("reason", "str")),
            "Set a user's AccountStatus (Locked here has no end: until an admin clears it)."),
    _result("ACCOUNT_STATUS_RESPONSE", "Result<(), IdentityError>."),
)

STRUCTS = (
    Struct("identity_sealed", (
        F("magic", "u32", "ORB_IDENTITY_SEALED_MAGIC"),
        F("version", "u8", "ORB_IDENTITY_SEALED_VERSION"),
        F("kind", "u8", "ORB_IDENTITY_RECORD_*"),
        F("_pad", "u16"),
        F("nonce", "u8[24]", "XChaCha20-Poly1305 nonce, fresh from the CSPRNG per write"),
    ), "The clear header of a record at rest; the ciphertext and its tag follow. The header "
       "and the Storage key are the associated data.", 32),
    Struct("identity_keycheck", (
        F("magic", "u32", "ORB_IDENTITY_SEALED_MAGIC again: proves the key opened it"),
        F("_pad", "u32"),
        F("created_at", "u64", "ns since the boot that wrote it"),
    ), "Plaintext of `identity/keycheck`: written once, opened at every start to tell a "
       "wrong machine secret from a damaged record.", 16),
    Struct("identity_user", (
        F("name", "u8[32]", "NUL-padded"),
        F("roles", "u8", "ORB_IDENTITY_ROLE_* set"),
        F("status", "u8", "ORB_IDENTITY_STATUS_* (automatic lockouts are not stored)"),
        F("nkeys", "u8", "public keys in use"),
        F("_pad", "u8[5]"),
        F("created_at", "u64", "ns since the boot that created it"),
        F("opslimit", "u32", "Argon2id time cost of `hash`"),
        F("memlimit_kib", "u32", "Argon2id memory cost of `hash`, KiB"),
        F("salt", "u8[16]", "Argon2id salt, from the CSPRNG"),
        F("hash", "u8[32]", "Argon2id(password, salt), parallelism 1"),
        F("keys", "u8[128]", "up to four Ed25519 public keys, 32 bytes each"),
        F("reason", "u8[64]", "status reason, NUL-padded"),
    ), "Plaintext of `identity/user/NAME` (spec UserIdentity).", 296),
    Struct("identity_service", (
        F("name", "u8[32]", "NUL-padded"),
        F("roles", "u8", "ORB_IDENTITY_ROLE_* set"),
        F("has_secret", "u8", "1: Identity holds the key pair (seed) and signs for it"),
        F("_pad", "u8[6]"),
        F("created_at", "u64", "ns since the boot that registered it"),
        F("public_key", "u8[32]", "Ed25519 public key"),
        F("seed", "u8[32]", "Ed25519 seed of the key pair when has_secret (else zero)"),
        F("token_hash", "u8[32]", "BLAKE2b-256 of the long-lived service token"),
    ), "Plaintext of `identity/service/NAME` (spec ServiceIdentity).", 144),
)
