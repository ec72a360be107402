-- 014_settlements.sql: the trip settlement, what a charter really cost
--
-- After the charter the captain (on the crew page) or staff (in the admin)
-- record what happened: when the boat came back, each crew member's actual
-- hours, the port fee paid (with a photo of its receipt), fuel and a note.
-- Reconciliation prefers these actuals to the planned figures whenever a
-- settlement exists. One settlement per booking; a correction rewrites it
-- and moves its version (the audit row keeps old -> new).

CREATE TABLE settlements (
	booking_id	bigint PRIMARY KEY REFERENCES bookings ON DELETE CASCADE,
	returned_at	timestamptz NOT NULL,
	port_fee_cents	bigint NOT NULL CONSTRAINT settlements_port_fee_nonnegative
			    CHECK (port_fee_cents >= 0),
	fuel_cents	bigint NOT NULL DEFAULT 0
			    CONSTRAINT settlements_fuel_nonnegative CHECK (fuel_cents >= 0),
	note		text NOT NULL DEFAULT '',
	-- The receipt photo's object key in the photo bucket (NULL: none yet).
	receipt_key	text,
	-- Who settled last: 'crew:<id>' (the captain) or 'staff:<id>'.
	settled_by	text NOT NULL,
	settled_at	timestamptz NOT NULL DEFAULT now(),
	version		integer NOT NULL DEFAULT 1
);

-- Actual hours per assignment of a settled booking. An assignment without a
-- row here keeps its planned hours in reconciliation.
CREATE TABLE settlement_hours (
	booking_id	bigint NOT NULL REFERENCES settlements ON DELETE CASCADE,
	assignment_id	bigint NOT NULL REFERENCES assignments ON DELETE CASCADE,
	hours_x100	integer NOT NULL CONSTRAINT settlement_hours_range
			    CHECK (hours_x100 BETWEEN 0 AND 4800),
	PRIMARY KEY (booking_id, assignment_id)
);
CREATE INDEX settlement_hours_assignment ON settlement_hours (assignment_id);
