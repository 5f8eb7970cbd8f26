from __future__ import annotations

from keepwarm.cli import main

main()
