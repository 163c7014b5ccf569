{{ config(schema='finance', meta={'owner': 'finance-team'}) }}

select
    c.customer_id,
    c.first_name,
    sum(o.amount) as revenue
from {{ ref('customers') }} as c
join {{ ref('orders') }} as o using (customer_id)
group by c.customer_id, c.first_name
