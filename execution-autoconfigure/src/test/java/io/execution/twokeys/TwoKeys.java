package io.execution.twokeys;

import io.execution.ExecutionClient;
import io.execution.FairnessKey;

/** A client that names two keys on one call: refused at start. */
@ExecutionClient("twokeys")
public interface TwoKeys {

	String both(@FairnessKey String customer, @FairnessKey String tenant);

}
