"""python -m followup_lint"""

from .cli import main

main()
