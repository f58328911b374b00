"""Teaching tools: explain a reduction step by step, and measure the exponential wall."""
