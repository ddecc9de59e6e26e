"""The "You said, we did" editor: entries, their versions, quotes and the responses behind them."""
