package io.tollgate.gateway.consumer;

import io.tollgate.gateway.registry.ManagementChanges;
import io.tollgate.gateway.registry.ManagementView;

/**
 * What the consumer package derives from the view, told of every change by
 * {@link ManagementAccess}. Not a {@link io.tollgate.gateway.registry.ManagementListener}
 * bean, so nothing registers it twice.
 */
interface ViewListener {

	void onChange(ManagementChanges changes, ManagementView view);

}
