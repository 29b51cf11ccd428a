SELECT name, max(at) AS at FROM ehcp_sign_ins WHERE outcome = 'success' GROUP BY name
