"""Local stand-ins for Alipay's gateway and WeChat Pay's API v3, speaking the real protocols over real HTTP.

Each fake holds its own RSA keys made at test start, checks our signed requests the way the real gateway
does (and refuses bad ones), answers with signed responses, and builds the signed (and, for WeChat Pay,
encrypted) notifications the real one would send to our callback URL.
"""
