package com.example.shop;

import io.execution.ExecutionClient;

/** A service another application offers: this one only calls it, over HTTP. */
@ExecutionClient("stock")
public interface Stock {

	int available(String item);

}
