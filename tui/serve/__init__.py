"""``gdlab serve``: the app in browsers (textual-serve), one process per tab forked
from a warm one."""
