from mes_app.domain.link_tokens import hash_link_secret, new_link_secret


def test_a_new_secret_has_256_bits_and_is_never_repeated():
    secrets = {new_link_secret() for _ in range(200)}
    assert len(secrets) == 200
    assert all(len(s) >= 43 for s in secrets)  # 32 bytes in base64url


def test_only_the_hash_is_kept_and_junk_hashes_to_nothing():
    secret = new_link_secret()
    assert hash_link_secret(secret) == hash_link_secret(secret)
    assert secret not in hash_link_secret(secret)
    for junk in (None, "", 42, ["x"], "x" * 101):
        assert hash_link_secret(junk) is None
