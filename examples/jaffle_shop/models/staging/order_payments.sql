{{ config(materialized='ephemeral') }}

-- Ephemeral: inlined into its dependants, so it is not a transform of its own.
select
    order_id,
    sum(amount) as amount
from {{ ref('stg_payments') }}
group by order_id
