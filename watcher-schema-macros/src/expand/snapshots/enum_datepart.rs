// Input:
// #[watcher_enum(rename_all = "SCREAMING_SNAKE_CASE")]
// /// A part of a date.
// #[derive(Debug, Clone, Copy, PartialEq, Eq)]
// pub enum DatePartEnum {
//     Minute,
//     #[watcher(rename = "HOUR")]
//     Hour,
// }
// Expansion:
/// A part of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[derive(::diesel::expression::AsExpression, ::diesel::deserialize::FromSqlRow)]
#[diesel(sql_type = DatePartEnumSql)]
pub enum DatePartEnum {
    Minute,
    Hour,
}
/// The Diesel SQL type of the PostgreSQL enum `datepartenum`, which [`DatePartEnum`] maps to.
pub type DatePartEnumSql = ::watcher_schema::__private::EnumSql<DatePartEnum>;
const _: () = {
    #[automatically_derived]
    impl ::watcher_schema::__private::WatcherEnum for DatePartEnum {
        const SQL_NAME: &'static str = "datepartenum";
        const LABELS: &'static [&'static str] = &["MINUTE", "HOUR"];
    }
    #[automatically_derived]
    impl ::diesel::serialize::ToSql<DatePartEnumSql, ::diesel::pg::Pg> for DatePartEnum {
        fn to_sql<'b>(
            &'b self,
            out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
        ) -> ::diesel::serialize::Result {
            let label: &[u8] = match self {
                Self::Minute => b"MINUTE",
                Self::Hour => b"HOUR",
            };
            ::std::io::Write::write_all(out, label)?;
            ::std::result::Result::Ok(::diesel::serialize::IsNull::No)
        }
    }
    #[automatically_derived]
    impl ::diesel::deserialize::FromSql<DatePartEnumSql, ::diesel::pg::Pg>
    for DatePartEnum {
        fn from_sql(
            value: ::diesel::pg::PgValue<'_>,
        ) -> ::diesel::deserialize::Result<Self> {
            match value.as_bytes() {
                b"MINUTE" => ::std::result::Result::Ok(Self::Minute),
                b"HOUR" => ::std::result::Result::Ok(Self::Hour),
                other => {
                    ::std::result::Result::Err(
                        ::std::format!(
                            "unknown label `{}` for PostgreSQL enum `datepartenum`",
                            ::std::string::String::from_utf8_lossy(other)
                        )
                            .into(),
                    )
                }
            }
        }
    }
};
