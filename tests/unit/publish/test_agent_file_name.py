"""Names of the agent workbooks: the agent's code, never a path out of the dai_ly/ folder."""

from __future__ import annotations

from tiemnang.publish.export import agent_file_name


def test_a_plain_code_is_the_file_name():
    assert agent_file_name("DL001") == "DL001"
    assert agent_file_name("dl_01-a") == "dl_01-a"


def test_an_unsafe_code_gets_its_safe_characters_and_a_digest():
    name = agent_file_name("../../etc/passwd")
    assert "/" not in name and ".." not in name and name.startswith("etc_passwd_")
    assert agent_file_name("Đại lý 1") != agent_file_name("Dai ly 1")      # two codes never share a file
    assert agent_file_name("DL 001") == agent_file_name("DL 001")           # the same code, the same file each week
    assert agent_file_name("") and agent_file_name(".") != "."
