"""The HWP bridge's views: parse, call a service, answer in HWP's envelope."""
