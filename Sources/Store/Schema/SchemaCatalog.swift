import Postgres

/// Reads the schema of a database from its catalog, in a stable text form: what
/// `Sources/Store/schema.sql` holds and `SchemaTests` compares after migrating.
public enum SchemaCatalog {
    /// Day partitions of `events` are created at run time; only the parent and the default are schema.
    static let runtimePartition = "^events_[0-9]{8}$"

    /// Tables (partitions excluded) as `SchemaRule` sees them.
    public static func tables(_ db: PGConnection) throws -> [SchemaRule.Table] {
        try db.query("""
            SELECT c.relname AS name,
                   EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = c.oid AND a.attname = 'project_id' AND a.attnotnull AND NOT a.attisdropped) AS not_null,
                   EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
                           WHERE i.indrelid = c.oid AND i.indisvalid AND a.attname = 'project_id') AS leads
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            ORDER BY c.relname
            """).rows.map {
            SchemaRule.Table(name: try $0.string("name"), projectIDNotNull: try $0.bool("not_null"),
                             projectIDLeadsIndex: try $0.bool("leads"))
        }
    }

    /// Tables with their columns, constraints and indexes; partitions; views; functions;
    /// extended statistics. Sorted by name, so two databases with one schema give one text.
    public static func dump(_ db: PGConnection) throws -> String {
        var out = """
            -- The schema Sources/Store/Migrations/*.sql add up to, read from the catalog of a migrated
            -- database (Store/Schema/SchemaCatalog.swift). Not applied by anything: for reading.
            -- SchemaTests fails when it differs; regenerate with
            --   FAULTLINE_WRITE_SCHEMA=1 swift test --filter SchemaTests

            """
        let relations = try db.query("""
            SELECT c.oid::bigint AS oid, c.relname AS name, c.relispartition AS is_partition,
                   pg_get_partkeydef(c.oid) AS partition_key,
                   CASE WHEN c.relispartition THEN (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                                                    WHERE i.inhrelid = c.oid) END AS parent,
                   pg_get_expr(c.relpartbound, c.oid) AS bound
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname !~ $1
            ORDER BY c.relname
            """, [runtimePartition])
        for table in relations.rows {
            let name = try table.string("name")
            if try table.bool("is_partition") {
                out += "\nTABLE \(name) PARTITION OF \(try table.string("parent")) \(try table.string("bound"))\n"
                continue
            }
            out += "\nTABLE \(name)"
            if let key = try table.optionalString("partition_key") { out += " PARTITION BY \(key)" }
            out += "\n"
            let oid = try table.int("oid")
            for column in try db.query("""
                SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
                       pg_get_expr(d.adbin, d.adrelid) AS default_value
                FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE a.attrelid = $1::bigint::oid AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum
                """, [oid]).rows {
                out += "    \(try column.string("name")) \(try column.string("type"))"
                if try column.bool("not_null") { out += " NOT NULL" }
                if let value = try column.optionalString("default_value") { out += " DEFAULT \(value)" }
                out += "\n"
            }
            // contype 'n' (NOT NULL as a constraint, PostgreSQL 18) is shown on the column above.
            for constraint in try db.query("""
                SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
                WHERE conrelid = $1::bigint::oid AND contype <> 'n' ORDER BY conname
                """, [oid]).rows {
                out += "    CONSTRAINT \(try constraint.string("name")) \(try constraint.string("definition"))\n"
            }
            // Indexes that back a primary key, unique or exclusion constraint are shown above.
            for index in try db.query("""
                SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                WHERE i.indrelid = $1::bigint::oid
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
                ORDER BY c.relname
                """, [oid]).rows {
                out += "    \(try index.string("definition"))\n"
            }
        }
        for view in try db.query("""
            SELECT c.relname AS name, pg_get_viewdef(c.oid, true) AS definition
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') ORDER BY c.relname
            """).rows {
            out += "\nVIEW \(try view.string("name")) AS\n\(try view.string("definition"))\n"
        }
        for function in try db.query("""
            SELECT pg_get_functiondef(p.oid) AS definition
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)
            """).rows {
            out += "\n\(try function.string("definition").trimmingTrailingNewlines)\n"
        }
        for statistics in try db.query("""
            SELECT pg_get_statisticsobjdef(s.oid) AS definition
            FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
            WHERE n.nspname = 'public' ORDER BY s.stxname
            """).rows {
            out += "\n\(try statistics.string("definition"))\n"
        }
        return out
    }
}

private extension String {
    var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}
