"""Adapters to the payment providers (Alipay, WeChat Pay, the demo sandbox) behind one interface (base.py)."""
